discover tests/golden/discover/feedback.csv --sort support --max-words 2 --no-default-codebook --codebook tests/cli/data/mini.codebook -q --top 12
