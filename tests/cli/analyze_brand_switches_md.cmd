analyze tests/cli/data/brand_switch.jsonl --brands corpora/mentions/brands.brands --format md -q
