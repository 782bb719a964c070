annotate tests/cli/data/small.jsonl --lang en --no-default-codebook --codebook tests/cli/data/mini.codebook -q
