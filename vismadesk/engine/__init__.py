"""Export and sync runs, shared by the window and the command line."""
