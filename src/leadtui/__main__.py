"""`python -m leadtui` behaves exactly like the `leadtui` command."""

from leadtui.cli import main

if __name__ == "__main__":
    main()
