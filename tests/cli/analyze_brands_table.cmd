analyze tests/cli/data/mentions.jsonl --lang en --no-default-codebook --codebook tests/cli/data/mini.codebook --brands tests/cli/data/shops.brands --date date --period day --format table
