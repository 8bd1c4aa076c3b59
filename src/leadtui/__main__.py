"""`python -m leadtui` behaves exactly like the `leadtui` command."""

from leadtui.launch import main

if __name__ == "__main__":
    main()
