annotate tests/cli/data/questions.jsonl --text liked --text improve --lang en --no-default-codebook --codebook tests/cli/data/mini.codebook --format tsv -q
