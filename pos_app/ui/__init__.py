"""Qt widgets, dialogs and item models. Nothing here imports SQLAlchemy or holds a Session."""
