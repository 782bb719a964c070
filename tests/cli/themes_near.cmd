annotate tests/cli/data/near.tsv --lang-col lang -q --format tsv
