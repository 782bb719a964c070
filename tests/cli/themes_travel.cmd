annotate tests/cli/data/travel.tsv --lang-col lang -q --format tsv
