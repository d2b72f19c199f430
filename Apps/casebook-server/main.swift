print("casebook-server: not yet")
