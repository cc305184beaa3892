"""The blocklist of senders: who is blocked (services.sender_blocked, services.sender_block_stop for the
email channel), the entries' writes (administrators; an agent through "mark as spam"), reads, API, admin."""
