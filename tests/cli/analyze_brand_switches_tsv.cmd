analyze tests/cli/data/brand_switch.jsonl --brands corpora/mentions/brands.brands --format tsv --table brand-switches -q
