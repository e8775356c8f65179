// Echo one value of each kind the port promises to return as plain Python.
// params: text: STRING, number: INTEGER, ratio: FLOAT, flag: BOOLEAN, items: LIST<STRING>, day: STRING
// returns: text, number, ratio, flag, items, day, nested, nothing
RETURN $text AS text, $number AS number, $ratio AS ratio, $flag AS flag, $items AS items,
       date($day) AS day, {inner: [1, 2], label: 'x'} AS nested, null AS nothing
