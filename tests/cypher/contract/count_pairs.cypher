// Count every pair of numbers up to $n: a statement whose time grows with $n squared, to run
// one past the store's time limit.
// params: n: INTEGER
// returns: pairs
UNWIND range(1, $n) AS a
UNWIND range(1, $n) AS b
RETURN count(*) AS pairs
