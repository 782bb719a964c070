annotate tests/cli/data/interviews.txt --input-format transcript --lang en
