#!/usr/bin/env bash
# Reports every C# line of provider/, tests/ and bench/ longer than .editorconfig's max_line_length (dotnet format
# does not enforce it), and fails when there is one.
#   scripts/line-length.sh [FILE...]    (default: every .cs file there, build output and node_modules left out)
set -euo pipefail
cd "$(dirname "$0")/.."

limit=$(sed -n 's/^max_line_length *= *\([0-9]*\).*/\1/p' .editorconfig | head -n 1)
[ -n "$limit" ] || { echo "no max_line_length in .editorconfig" >&2; exit 2; }
if [ $# -gt 0 ]; then
  files=("$@")
else
  mapfile -t files < <(find provider tests bench -name '*.cs' -not -path '*/bin/*' -not -path '*/obj/*' -not -path '*/node_modules/*' | sort)
fi

# Characters, not bytes: in a UTF-8 locale grep and ${#text} count an em dash as one.
export LC_ALL=C.UTF-8
long=$(grep -nHP "^.{$((limit + 1)),}" "${files[@]}" || true)
if [ -z "$long" ]; then
  echo "no C# line is longer than $limit characters"
  exit 0
fi
while IFS= read -r hit; do
  file=${hit%%:*}
  rest=${hit#*:}
  text=${rest#*:}
  echo "$file:${rest%%:*}: ${#text} characters"
done <<<"$long"
count=$(wc -l <<<"$long")
files_with=$(cut -d: -f1 <<<"$long" | sort -u | wc -l)
echo "$count C# lines in $files_with files are longer than $limit characters (.editorconfig max_line_length)"
exit 1
