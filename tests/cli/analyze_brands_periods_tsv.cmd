analyze tests/cli/data/mentions.jsonl --lang en --no-default-codebook --brands tests/cli/data/shops.brands --date date --period day --format tsv --table period-brands
