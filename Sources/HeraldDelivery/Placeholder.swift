import AsyncHTTPClient; import Mustache; import CompressNIO
