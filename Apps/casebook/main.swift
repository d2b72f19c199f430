print("casebook: not yet")
