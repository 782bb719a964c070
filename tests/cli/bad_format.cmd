analyze tests/cli/data/small.csv --format xml
