discover tests/golden/discover/feedback.csv --group channel --no-default-codebook --codebook tests/cli/data/mini.codebook -q
