"""What a till does, one unit of work at a time: sell, take orders, receive, post, check."""
