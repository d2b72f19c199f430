print("casebook-bench: not yet")
