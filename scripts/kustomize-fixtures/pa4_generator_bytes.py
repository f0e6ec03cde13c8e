from _common import KUST


def define(case, d):
    case("configmapgenerator-hash-with-html-characters", {
        KUST: "configMapGenerator:\n- name: html\n  literals:\n  - page=<html><body>a & b</body></html>\n  - 'quote=say \"hi\"'\n  - backslash=C:\\dir\n  - \"ls=a\\u2028b\"\n",
    })
    case("configmapgenerator-keys-with-spaces-and-unicode", {
        KUST: "configMapGenerator:\n- name: keys\n  literals:\n  - \"bad key=1\"\n  - \"k\u00e9y=2\"\n  - \"UPPER_lower.dot-dash=3\"\n",
    })
    case("configmapgenerator-env-bom-crlf-and-spacing", {
        KUST: "configMapGenerator:\n- name: envs\n  envs:\n  - e.env\n",
        "e.env": b"\xef\xbb\xbfA=1\r\nB = 2\r\n  C=3\nD=\"q\"\nE='s'\n\n   \n# comment\n  # indented comment\nF=has # hash\n",
    })
    case("secretgenerator-binary-and-utf8-files", {
        KUST: "secretGenerator:\n- name: files\n  files:\n  - bin=blob\n  - text=utf8.txt\n  - empty=empty.txt\n",
        "blob": b"\xff\xfe\x00abc\x80",
        "utf8.txt": "pässwörd ✓\n",
        "empty.txt": "",
    })
    case("configmapgenerator-large-file-and-long-lines", {
        KUST: "configMapGenerator:\n- name: big\n  files:\n  - big.txt\n  - long-line.txt\n",
        "big.txt": "".join(f"line {i:04d}: " + ("abcdefghij" * 5) + "\n" for i in range(400)),
        "long-line.txt": ("word " * 300).strip() + "\n",
    })
    case("secretgenerator-literal-with-newlines-and-equals", {
        KUST: "secretGenerator:\n- name: s\n  literals:\n  - |-\n    cert=-----BEGIN-----\n    abc==\n    -----END-----\n  - token=a=b==\n",
    })
