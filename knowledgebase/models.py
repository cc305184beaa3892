"""Knowledge base: categories, articles, revisions and feedback."""
