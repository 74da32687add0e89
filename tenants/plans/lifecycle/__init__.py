"""A plan's life: review (submit, return, accept), the acts of its life in law (adoption,
amendment, repeal, annulment) and, from them, whether it is in force on a day; frozen versions."""
