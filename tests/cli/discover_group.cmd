discover tests/golden/discover/feedback.csv --group channel --focus phone --no-default-codebook --codebook tests/cli/data/mini.codebook -q --min-support 2 --top 8 --format json
