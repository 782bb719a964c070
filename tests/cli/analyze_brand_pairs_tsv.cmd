analyze tests/cli/data/brand_pairs.csv --score nps --score-type nps --lang en --brands tests/cli/data/shops.brands --format tsv --table brand-pairs -q
