annotate tests/cli/data/brand_compare.jsonl --brands corpora/mentions/brands.brands -q
