stem --lang en tests/cli/data/stem_en.txt
