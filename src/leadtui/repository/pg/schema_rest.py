"""The PostgreSQL step for the pieces ported after the first schema: the
indexes SQLite has for the follow-up and last-touch orders (schema.py's
leads_stage_follow_up and leads_stage_touch), spelled as those orders are
on timestamptz (engine.Dialect.order_sql: infinity for no follow-up,
-infinity for never touched), so that any page of a column, however deep,
is one range scan as on SQLite. Appended to pg/schema.MIGRATIONS."""

from leadtui.domain.orders import ORDERS
from leadtui.repository.engine import POSTGRES

ORDER_INDEXES = f"""
CREATE INDEX leads_stage_follow_up ON leads
    (stage, {POSTGRES.order_sql(ORDERS["follow_up"])}, id);
CREATE INDEX leads_stage_touch ON leads
    (stage, {POSTGRES.order_sql(ORDERS["touch"])}, id);
"""
