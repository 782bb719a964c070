annotate tests/cli/data/interviews.txt --input-format transcript --text text --text other -q
