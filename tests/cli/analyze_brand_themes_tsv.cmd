analyze tests/cli/data/brand_themes.csv --score nps --score-type nps --lang en --brands tests/cli/data/shops.brands --format tsv --table brand-themes -q
