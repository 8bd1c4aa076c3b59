"""`leadtui serve`: the whole app in a browser, signed in.

An aiohttp server (textual-serve's pieces: its AppService runs one leadtui
process per browser tab and relays it over a websocket; its xterm.js client
draws it) with what a CRM on a network needs around them: sign-in links and
session cookies (users_store.py keeps only hashes), the page and websocket
refused without a session, a websocket from another site refused, a cap on
sessions, idle sessions ended, and a page that loads nothing from outside
this server. Each spawned app acts as the signed-in user, who it learns by
checking its session against the database (launch.py), never from anything
the browser sends.
"""
