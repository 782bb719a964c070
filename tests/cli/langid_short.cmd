langid --format tsv tests/cli/data/langid_short.txt
