langid --format tsv tests/cli/data/langid.txt
