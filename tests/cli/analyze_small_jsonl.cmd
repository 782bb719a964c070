analyze tests/cli/data/small.jsonl --score survey.nps --lang en --no-default-codebook --codebook tests/cli/data/mini.codebook --format tsv -q
