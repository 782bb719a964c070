analyze tests/cli/data/trend.csv --lang en --no-default-codebook --codebook tests/cli/data/mini.codebook --by channel --date date --format table -q
