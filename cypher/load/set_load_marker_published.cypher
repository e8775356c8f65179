// Publish a load: from this commit on its nodes are kept, whatever happens to its process;
// what is left is untagging them, which any process that finds the marker finishes.
// params: loadId: STRING
// returns: published
MATCH (m:KflowLoad {id: $loadId})
SET m.published = true
RETURN count(m) AS published
