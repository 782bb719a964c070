stem tests/cli/data/stem_en.txt
