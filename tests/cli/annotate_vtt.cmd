annotate tests/cli/data/call.vtt --lang en -q
