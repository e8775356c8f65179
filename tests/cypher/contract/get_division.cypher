// Divide two integers (the contract tests use it to see an engine error come back typed).
// params: numerator: INTEGER, denominator: INTEGER
// returns: quotient
RETURN $numerator / $denominator AS quotient
