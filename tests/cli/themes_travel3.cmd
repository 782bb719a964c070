annotate tests/cli/data/travel3.tsv --lang-col lang -q --format tsv
