"""Use cases: each receives the store and does one thing the product promises."""
