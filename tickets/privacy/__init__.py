"""Privacy requests and retention: a contact's data exported (export), erased (erase), and old data
removed on a schedule (retention). The customers' side of each is in customers.services.privacy."""
