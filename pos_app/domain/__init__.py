"""Store rules that need neither a database nor a screen: money, carts, tenders, postings."""
