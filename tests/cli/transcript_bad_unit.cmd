analyze tests/cli/data/interviews.txt --input-format transcript --unit people
