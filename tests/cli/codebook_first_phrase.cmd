annotate --no-default-codebook --codebook tests/cli/data/first_phrase.codebook tests/cli/data/first_phrase.jsonl -q
