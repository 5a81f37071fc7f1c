"""What several tests share besides fixtures: oracles, builders, the planner's stand-ins.

Fixtures stay in the conftest.py beside the tests that use them; tests import these
modules, never a conftest.
"""
