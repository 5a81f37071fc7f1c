"""How long an interactive sign-in waits for the browser to come back.

Apart from auth.py so the command line can show it in its help without loading
the HTTP stack.
"""

LOGIN_TIMEOUT_S = 300
