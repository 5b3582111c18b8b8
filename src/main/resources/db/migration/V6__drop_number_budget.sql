-- Instances no longer share a number's rate send by send (Bucket4j's bucket in this table): one
-- instance at a time owns each number, through a PostgreSQL advisory lock that needs no table.
DROP TABLE IF EXISTS number_budget;
