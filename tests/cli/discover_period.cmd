discover tests/golden/discover/feedback.csv --date date --period month --no-default-codebook --codebook tests/cli/data/mini.codebook -q --min-support 2 --top 8 --format tsv
