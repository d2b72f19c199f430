import CasebookExport
import Foundation
import Testing

/// Inputs `fuzz-export` found (docs/fuzzing.md), kept so the normal test suite replays them.
@Suite("Bundles fuzz-export found")
struct FuzzFoundBundleTests {
    /// A plain bundle (synthetic client) with three bytes changed inside its deflate streams: ZIPFoundation's
    /// extract never returned on it (libFuzzer timeout), so `export verify` hung. The verifier now reads
    /// plain bundles with its own framing and capped inflate: the damage is reported as corrupt.
    @Test("a damaged deflate stream is reported, not looped on", .timeLimit(.minutes(1)))
    func damagedDeflateStream() throws {
        let bundle = try #require(Data(base64Encoded: """
            UEsDBBQAAAgIALWCg13wRGnzqwcAAIIOAAAKAAAAUkVBRE1FLnR4dG1X23LiyhV95yt2zUtwFRAuxsb2EwOMTWyjKYRDTVJ5aKQW6mNJrXS3zJ
            DKx2ftlmDwnEyVx9CXfV1r9faP4G1N68UsWM9D+rYOXmk2DRdfg+CZgvXjdLUMp5tlsGqF1e4PGTkSUSStJSNtqQsrOxQJK2lyLUV/vJt05eB2
            0r0ei1H3biKTbjQeT+JBP5ncRf3Wd6PjKpIxDfvDm+5g2O2PNoOb++Hg/nr0j1brh65I2HfsJ9qQoEiXR9IJuVSSKrCWC6d0QQdJqc5iEjtdOT
            riVvvtmR7n39c0NU5FmaTB+IF0ZVqRLhIVy8IpkSl3pFJnKjp2yCITNnXTG1z1aJMqS7uqiHETn1wqnHfeo6XjhcRIyYFEqTB72Wu1tk/TDS1D
            Wq5o84TfX99W85dFi1DH6fx10XM/Hfl/ji1n0jlpsGtkqY3rpS6u/C5CN1iMtIlth5zGZxETci+NKuC5IFEcke6OdkYfrDTULjSWYa2QjgopYx
            lfecPeRu8Pi5y8W0lW5PK04U1RLqJUFbLLXsQOuXJJqe2LXWjcMaiL+VARmsqL8qfIy0yyAxulMhdn+zAWSxsZVfoqojSfImj/LQxWFPo7fDt8
            mg7HN+Hba0jN7UQVe2nqNNvY7mL/iu1IxIhdBIfufkhczkWhEmndyTnnlinr+DQf5MqlUiF29R9pkUl8aR27Vu0LYGp3pMpe2sM6B8M9iNVeOZ
            H5o8JVBt3+QDU+ucZV+ZP7132Xx14p8/pqWe0AKcKa7yByjt7r+p9stVobfG3gxcC19y1fBU+ktfx3BRf2nvr1ai6LGD+/ViKmmf8+8N9RalWq
            yxNGZhIknJ0PflreKpfGRhxEdt6xIpH7SpgYhcKtCHj6tYeg0FTvrvXlnwfcTmUW/+sLymHe7RkqpTSoyl8sFQw0wCWWTqjMMp3QIXFg3FvUnL
            wJJizu5a2qyFg/PMlqGyT2IFjM5bNgmPTnehQ6kSQkylIKw90zMpFGFoxOhMAr7Nmz8QdtF/QUvMzpB6vZcvUtWL962aJ2WZlSI6krn10X3NIf
            ihMnrrI2/IlBE+kK5csy/n6qAYcEkjY336UseZcVh2/4OlhfTGpflvSqAx3zIPj/+tOQZydtYzmX0rHlTO6BQg1E7b3UAb2qiLLKh4sADVBvYj
            htJOh5uYJoB98+ZxwJJ/dI7FfOXmi4Wh2KscnU2Snj0ibxwgkIe9O/U5mkBvd5s4BW1t3xUstmmp4CFnRupzw2fTw5bXDrVcb6uwCJj6REkwtO
            heqKiaIhaXOzKf9JVO590Ai9Mr4qHSoz4dhsh/aykAY1c7pUEcqF7iII2+iAzjJ96FYluObLebJ/0SsO0+Pf3+CeNWfJiXcJLUulyJpKHWSWMD
            4vHqNTsl6V9L6WQk87y599updvl8dNs35+SWsF4J4GDGTo4Xoxp+WGtsvNE7V/ER66bHTeSJaNMm1Zq+C3DmOldzo+3v/Zawo4es5IWZziQxyV
            swCnj12bPcTO+uOglKfRLFiFi9UmpE2Ah+1lgbEg7NB0Ncejt1iufXTz9XQ7fWm8F6cHR8aw8RRs6SVYPXJKz4vFdyTkz80uiHZ6n7iq77L0YE
            H7PxDmEbTHRoLHzid80Obdw85DCSJpH05zQqqyuAMkOpU1b8FwjHMe4rE4Unt4g68qqVF6gIrQ4JYOKbxw7t4yDAK6PZp+Rgcc1KT0AmYBM8vs
            daaqB4jaqfJjQqYQbOwFabFecP9m09eFn6l84q+6frX8UHDZnogV1HcWqUH4GvijY8w0DvdgFGaIgkWvZpBhlPJlaR4+R3wqaY7Ea/H4PD3VCK
            ol3Oik9oW3wc8dDekBLNkQHulM3zYBtAWQnC9myxAaE/p8thJO3iXiREkiVSvmr6EMsYrKabgF1nIpWM0Y/jjOjhUD4AS19fLxaVNb5SkwgiJg
            EuTHg99UbQxPnpdZ+OcDZTwYjZyZIk4lKqo56V/iGDCH1CnnrbahEkyWei9TOVqW6gPPkpXlU2wDbVVRY4EjPTah6HryxUWufWW5zMr1GjR79b
            ynKeKtaR3nClRyECuUlB81zGqMs3n4gufyN7ntfUo60pi4BKY1XOMry4uUZzrPle+WNLATJMgXD89yFlzdk4p0DxzuVe9/5Z50RfdkynW8B4dy
            lClTtD/qj2gwxM9gMOrQ9hgBuHjCnnTF4/xWMONeRMGfVZZbSGiHZqm0qQISw+c7Gk+/NfyGMsyeFrNnWgUYhJnr0xAr09XjYu7dLmuKQYnxbD
            HlYILLWhWliHjUd+fZqENI8kUV1U+GIobVIKQ2Pm1VEWP6rbn/iE59FTa9qmcoP7CkAtOjrXLqRhej5nlfl7KwNqMSM1rlMupitFPJkboY3VDp
            riqw8fts18XAVG/+NoB28VL5+fRyjvS+eOxJlAHH8wr/WfAPf0P5QRoej35YfahHQ1AU8PoSnsfNv3NICuUIK/8oJFWWHb/U2AiAKYSFll9Ozc
            qeExzIGzGKr8e7u5vbyW40jO/uRvJ2dDNJ7saj2xG6LK/lZHR9dz3sR9EuiW/7YjAUd4PrsdxNJvVU2b4s00Vt/lQY0Nv/3TBfrOm/F8W3KTdJ
            uauHM29AYW/7RGPMQrio/Ox2xmOv9T9QSwMEFAAACAgAtYKDXTBE37VfAgAAgAUAAAwAAAByZWNvcmRzLmpzb26dVMlu2zAQvfsrBJ1DQKIWU7
            6lyyFAl7RxWiBFDzQ1tInIpEpSdYPA/16Kki166aU6GMK8eeOZ92b0OouimDIGxnyFXx0Ya+JoEf2YufjPmx5k1MDduz4YkxxoUqwIgnROUF7Q
            DFUEOGJFQeo04aRiSTyQlDQgD7Ui97z6XwdxpbffQBuhpC+aeYaHRO0jgDGZZ+UcsTSrUV5nFFUlwYinjM8Jh7LG5URqxFZYc8uepdo1UK/BF7
            G6g2OKEWsJ9ZsXX33dUV0LKuMz+PPQDk5widIEJWns8f0khOrGiYZZrsiW3IzIFmS9PQhwiIaipGNMAxOtOM/U0ICT/W1AOIO+C7upNd3R5gQ1
            lMMwoFw7NgMtT3HXsBN+aMGF9n6y3hJqA1N8d/EaJGhqob61gTQYJdkyLRc4XeTZ02B3qxUXDQTarJSWR0V7Tt4rehDiP1Zq0M9SFizo6IyDpF
            Pc13uCdvOihYToSyeahgO1G9DxJF4/zz2oduj2rIyx1Ha+fqxakPFRoVObguu44tQlemZWkPAvv8KUwLKzUzpds3GW4zS9Yk3f83vpVldTdxlL
            9WjgXovfToWHljK4OBWumkbtHluvwSf4Y6MdwPPFiRJS8ApyQHlazFGeU+JOFGfujZQ4oYQnmE2krZCdBd9kkRyjKjy4FCV4IrTOpn4pfcJHwb
            QyittoCXRrgizttkFYJ45zuM/MWUVXvGSI5oyhnJYlqqqMI1xgslq5rrKsvE6/k6MqHxSjdryCE2Hciq+1s8L/0QNY2zjLgm/ItDnOaW4nxKpW
            sJHWALTBZ2W2n/0FUEsDBBQAAAgIALWCg13Y2fPpkwUAAGkYAAALAAAAc2NoZW1hLmpzb27NWN1v2zYQf89fQXgB0gGWnQR7md+6pA8FWixYv1
            AEGUCLJ5mNRHokFS8I/L/v+CFKciXZQZp0frFE3fG+fnfH48MRIZNjna6gpJMFmayMWevFfP5NS5H45ZlU+Zwpmpn5+en5aXJ2Pg/0U8fMmWWs
            lFikVMNSytuFrpbfIDUJTVPQeqEglYrpxZnnMNwUYHkuAj3p0pNA76kZ6FTxteFSWJ43d6DuAwUxKyCoHRVcU0tAVrJgmtClrAy5l9WMXFIDuK
            CAfMVf8v59cnk5IyfXG25WKyjYzQkpqbpFEiFxN0XWoND0E00YGMoLPSU1KVlCSisNVuo9YZwRZCE0V4BL0q6WSMJFTvQKBbJZsPZ+7YyVzkS/
            puCfiiMJrl9PMqlKaj6jXGvilEysG99e2qccBCi0gL029nWtZMbRdZZGCg3CaPus0WfI6p9pBnlFFUM9LqRIQfl1dBhf85pDQQEo5KK1SVj6gs
            ZirDe0cKs+IH+huqA9XSory3Hj7KCMcet3WlwpiZ4zHDTalCE3eHAwyOzKA77YWKIt9i06RRuFijrbqDGorF38+/o0+f3m4bdt4h/Om4fjyXbq
            t3Ko69uo5OIdiNyscPlsi8SOw/quUTCo0/W83c661TjGICbEwn47VpBZUb/MnVVz1GD6HTy/ykoRy4QQzUABRmAWdVbej4/Z7yMiPGaF40agcQ
            tXvUG9m73bUOl3jLfWrtkwJIaXELlrZNWu6cHt/mhHGyO0GyQLWta4NTQNuDXUVDX4rOpXINeoxE3crCdoB0RlO20ondwef7RpllKJP0Xvbg6w
            bdqof3tPqhS9t3ZwA6XuFdfeI9htyUBUpfMU2ulzv5AanXfTkenWDtWw68txNSPX4+O9E+k6vk56qGN14WwC2hPUkQi1dhv4HiW0v2NHwVIm0O
            fbbZDr/2NO12XvIOf8kETwuW0zsFXnNc+Fi2t8/sNpUPCSG/06vRVyUwDLgQ2mRF0Ge7OgK3DAhVGJg8AV1RzYrUf1odCEYMTm9dLB8DHAblHh
            CcF1IOSadZjvtJjkbltQu+9vxZXid+iZdzKNWE8L21zfCGyPiqLZH+UnDYHuw5qmLjmMXPNUh06O5watPSqKQm4+rbslEbNCsBJirx2th+MokK
            PBbXzQjgAXBnJvO37mpStTp20oRHcNQKHjwoP73QdDs6zpnVN/xiK2SMw6SByPSC/oDgpTP2cjN8Rw0OgQ14HvMdZ7WlJfi3BHcAcYjmDn37WJ
            FmJequq3M8nAv56/Miupxmv+0/DqJA04OEgf2r3VEpoK1HdkfulqhLiFXConRlGu674QppCd2pAaVzKfWhii0A7OFNe3iZGJhiJz6oR3Nx95+U
            scgxKpEgF5EQw3KwXUWLqCZ9BFZjRoNKyhE4yd6xp/7MkfnP3UZw6bwURsJVjPVxwfU7n/4FjH4Wek2y0XLKbdMyabkzPgpsFE7Euz1gTa66++
            OR+Lux3jFeHCTy92xt9QOwu5aZXZwfuVvQVgXNtjcoWDfiHzX2fPnK7RGNfMK7XGE7p9XFLNw0TjhrV4vPNwe2rCNmKH+k9QZd/E49TsZH04FO
            /eIYSRXxlMd+bPAwXktEjksuB5PP50L3B2sr9u5sOn/MZX4xViJGlbWblG597t2a2Ny+5dyCHg9FN+4LAY9JvYu582UvGDxjJiUfxqs5L4PiWb
            FTUESaakEoYX+A7ip8HVX6M5V/1foOm8Mg6DltaPCHD7ZuuQGH/BwNji4+7/mIJNHfAm3qAX9WKydOWoXicaz4kkU7K094KCSPHcIZbDIXxKB2
            jcuHMV+NIHJAw68Lt4LKrAP2AHwlMvsB9bZGtJozDkDOPOzT0O2Dzjh8/QXvfRraNVQ3PMgZXQXRIenCjhare96d647Z0Y3Q3s0fboP1BLAwQU
            AAAICAC1goNdieGdtkIEAACsCAAACwAAAHJlcG9ydC5odG1sjVbbbuM2EH3PV7AOFtsFTFuSL5Flx2iR7bYP7TZFAhS7RR9ocmQRoUQtScUxDA
            P5iL4UaH8uX9KhJDt24xZ5sC2JZ8gzZ86MPPvq/c9Xt5+uvyOZy9X8bOZ/iGLF8rIDRWc+y4CJ+SwHxwjPmLHgLjuVS2ncaZ9mzpUUvlTy/rJz
            pQsHhaM3wCsj3ZpeayX5ukN4s3DZEZCySjlqDSdvC13A2ymxbq2geVIVlqVAZaEkLuERTjoF80+6MsQA10ZY8jVnFkg8BBaMFjGF8CKmwxEb0E
            kMKeWjUSzCII0nPHg36zfxs/qI+UKL9SZFKjRluVTr5HvQZilZ14KR6TRnD3QlhcuSYQw53uJakUSQE1Y5PS2ZELJYJgEJcdUTpBnIZeaSsDcc
            TblW2iTnYRhuz7Kwm0XdbHB02A+g7sFJzrrfGslU17LC0vrkrWMLBZsFpgeG4kaKlRaS3cW0IRUGwZsdqd4IWSER/7s9c1nXiTY8CcsHYlF2Qc
            4nk8medW+AER4+dfDgKFNyWSQKUje9B+NZqfaZ0+XWZZsF43dLo6tCJOcAOw6D4M32zAJ3Uhe9piCbki2BLgywO6yblQISdq+lmLbp4H6HnDjn
            O071UpNBbyVdloESR+cKIbbf5CAkI6WRhdvUBWwlCA7q5Y20ZZu2BEEQbLezflPzWb9xsA/19g6PzeTPJIs1uUJPLbS+I2gIVkjLfIYYG2JMOb
            96reO6SFSLioMgURCNaRjRYHAbjpMoTIaDzz3y9PjXb7tcf396/JtgNneWsEK7DAwpwVhdPD3+aYnA5pLKdskOThbAWYVEELkmGbsHglGELQ3g
            cU4Ti/1Zr+a9Wb/0yUZNsu1WmE6ET2uzYWcZ/GTzjywHbJMMb8T8M5TZGpUG8ksllUqBeVa4jAL264Am6D1zQHRKFtK4bB8dBT7dIQ3ClxF+Mj
            Dunqm0MSeQXmvrmKueUbqE4j+QXGmL6ftiteCnxz8OsP0m3VoMJGFxCpFUmxznSPiuVaQ1NO7FrL3sNN7oECnwmkIUxReD8QXl4UDQoRgwOhnH
            EU1Dnl7EKYxFNPaD6kjVD3gCwcay8oDY4GUKN9hxx+wb2wQnRWzRi/UevayYwfY4Ic6PMpfO+iLh7E2xKwuHQwdnMsEGK/RKgViC2G+0BntKtH
            4rTaPfDVif0Kuli+NROoEh0GE4uqDDIYtRumiAV/E4ClicBhF/IZ331r/UCGkQnTBhZdoubcGjgOSyqNxRKi34WjHny74H/yS50VanjtwCy09E
            3OpS8mcL3iiA8sS+RmP/2QMcOIfvhuVL6Acc53pFq3KP/YiTmKwA7k6U+rgBhGGpe0WB8OXZWKJY+rpzML5awa5a+PVrpsnaDwVZeD1qBcmK2W
            Z6iHraHEfUI4Q3rWP9nDGgAFvPnoD5aOS6Ympnvbrh/j+IcY4KIuJLBdYdIvr11Mab+r/JP1BLAwQUAAAICAC1goNdy9yottoAAAA4AQAACgAA
            AFNIQTI1NlNVTVMljz1uQzEMg/ec4p0gsCTLkscCzdilN7B+jKBomiLvDTl+3RbgQg7kR00FBDbmnKEjmpO3GRAuFQe1MqPIYBRHguQhLg37qN
            pGxtDYtvfLy+vb5Xw8j5PVmaRYArKB0QxDjok5smCNrmYiCKExIV2Bl1ag4TyMuvZte6TfH7GfP/b716m7G2vlFsVrJAsVm60ty72IuKcpMZWx
            uNPSpZN0N2nmEyr91X3fH8f5etw+T+SlSEFkpwRJ99W0thXIlcsvnpJAVKfwWEcl+9TlsAPUwevp7te8jX+2H1BLAwQUAAAICAC1goNd3EjkWc
            ABAACKAwAADQAAAG1hbmlmZXN0Lmpzb26FksFqHDEMhu95imHOmUWWLVve20IC7SGXbttDSw+2LLNbst0wM9DSkHevd/YS6G4CRiDJsj9+/c83
            XddLmvTjXd+tu56dJqDMg5rAg6Nkh8haByHiYqByFOhvl6FR06xlMy9zCOgHgwPYz8av0ayd/Xa+V/ePOp3ufG9Z1z0vsdWf0rxbRj/db+4e7l
            fzn3kZWJrTLiH5M5GyQUOZSGvhVLxY8bWYIsFhsh5qgZAIg6A1SilI8BiTY5+0JC6vHt3/1dOTNhi31F5uryBtP2za99svD9uLSE0DRaocUKT9
            1Qiq5hwMYXYx26LBBA9CCZKoCECxRbgKa6BKABeQDL5NNKocxzKtfk7HXxeZsqtqGaEY9SbbWjJSqahJAV2J3PgCmsKlGhU21E4rcGmU2UaO/z
            MZB/we1NNxnFe7+fB4RSfJxI58AXFFKVjI1fuWUoQQRDSzJQuprVWzSog2RMnBZ6nG2QtMiAhvM02y00O6rpNt6wiASGKbxdt2Gk+TgY0VJjgp
            xc0fxUlbWWluChortwyjMS7RBTt5dPHM1OKPs+eP4yHNX3Wc9g3jpOVSno51/p1GfdXoYWVWzd+83PwDUEsDBBQAAAgIALWCg137HODbRQAAAE
            AAAAAMAAAAbWFuaWZlc3Quc2lnAUAAv/+zj7sL28R8is6kEubvzxiB7Q5j2lLEi69Y8ilmNKEMbcssx5uSJSCOaIHmKR0pcSofawxdwBwf+NQE
            PY78vjQOUEsDBBQAAAgIALWCg13wTsdNXQAAAHEAAAAOAAAAZXhwb3J0LWtleS5wZW3T1QUCJ1d3Tz+FgFAnH09nBW/XSJCYLpevc365U2Cki7
            dRWLljpauje1FUSlGBk0eJgauBj1tYYX6ZU4BFhpF5UbKhY0aAk6+jQUG4T4W/Y5S3ry0X2AhXPxcMUwFQSwECFQMUAAAICAC1goNd8ERp86sH
            AACCDgAACgAAAAAAAAAAAAAApIEAAAAAUkVBRE1FLnR4dFBLAQIVAxQAAAgIALWCg10wRN+1XwIAAIAFAAAMAAAAAAAAAAAAAACkgdMHAAByZW
            NvcmRzLmpzb25QSwECFQMUAAAICAC1goNd2Nnz6ZMFAABpGAAACwAAAAAAAAAAAAAApIFcCgAAc2NoZW1hLmpzb25QSwECFQMUAAAICAC1goNd
            ieGdtkIEAACsCAAACwAAAAAAAAAAAAAApIEYEAAAcmVwb3J0Lmh0bWxQSwECFQMUAAAICAC1goNdy9yottoAAAA4AQAACgAAAAAAAAAAAAAApI
            GDFAAAU0hBMjU2U1VNU1BLAQIVAxQAAAgIALWCg13cSORZwAEAAIoDAAANAAAAAAAAAAAAAACkgYUVAABtYW5pZmVzdC5qc29uUEsBAhUDFAAA
            CAgAtYKDXfsc4NtFAAAAQAAAAAwAAAAAAAAAAAAAAKSBcBcAAG1hbmlmZXN0LnNpZ1BLAQIVAxQAAAgIALWCg13wTsdNXQAAAHEAAAAOAAAAAA
            AAAAAAAACkgd8XAABleHBvcnQta2V5LnBlbVBLBQYAAAAACAAIAM0BAABoGAAAAAA=
            """, options: .ignoreUnknownCharacters))
        let report = BundleVerifier().verify(archive: bundle)
        #expect(report.codes == [.corruptEntry])
    }
}
