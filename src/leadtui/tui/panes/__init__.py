"""The four tabs of the main screen: Inbox, Pipeline board, Lead, KPIs."""
